"""The AWS double: moto in server mode on loopback, a VPC builder and CloudTrail records, for tests and the demo."""
