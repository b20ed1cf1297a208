# -*- coding: utf-8 -*-
# Copyright (c) tagwarden developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):

    # Names and aliases as amazon.aws's; argument spec: module_utils/_cloud/_options.py.
    DOCUMENTATION = r"""
options:
  region:
    description:
      - AWS region to read, for example V(eu-west-1).
      - When not set, E(AWS_REGION), E(AWS_DEFAULT_REGION) or the profile's region.
    type: str
    aliases: [aws_region, ec2_region]
  profile:
    description:
      - Named profile of the AWS config files. Not together with O(access_key).
      - When neither a profile nor keys are set, boto3's usual chain applies (E(AWS_PROFILE),
        E(AWS_ACCESS_KEY_ID) and E(AWS_SECRET_ACCESS_KEY), config files, instance role).
    type: str
    aliases: [aws_profile]
  access_key:
    description:
      - AWS access key id. Needs O(secret_key).
    type: str
    aliases: [aws_access_key_id, aws_access_key, ec2_access_key]
  secret_key:
    description:
      - AWS secret access key. Never shown in results, errors or logs.
    type: str
    aliases: [aws_secret_access_key, aws_secret_key, ec2_secret_key]
  session_token:
    description:
      - Session token of temporary credentials. Never shown in results, errors or logs.
    type: str
    aliases: [aws_session_token, security_token, aws_security_token]
  endpoint_url:
    description:
      - URL of the AWS API endpoint, for a private endpoint or a test double.
    type: str
    aliases: [aws_endpoint_url, ec2_url]
  aws_ca_bundle:
    description:
      - CA bundle that verifies O(endpoint_url)'s certificate.
    type: path
  validate_certs:
    description:
      - Verify the AWS endpoint's TLS certificate. Turn off only for a test endpoint.
    type: bool
    default: true
  assume_role_arn:
    description:
      - ARN of a role to assume with the credentials above before reading (one STS AssumeRole call).
    type: str
  aws_attempts:
    description:
      - Attempts per AWS request, retries of throttling and transient errors included (1 to 20).
    type: int
    default: 5
"""
