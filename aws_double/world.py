"""A VPC world on the AWS double, built with real boto3 through the EC2 API, the way an AWS user would.

`AwsWorld` creates a VPC, the firewall instance in a subnet of its own, and then subnets, route
tables, security groups and instances on request; `tcp()` writes an IpPermissions entry.
"""

import ipaddress
import itertools
import uuid
from typing import Any, Dict, List, Optional, Sequence

import boto3

from .server import CREDENTIALS, REGION


def client(endpoint: str, service: str) -> Any:
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id=CREDENTIALS["access_key"],
                        aws_secret_access_key=CREDENTIALS["secret_key"])


class AwsWorld:
    """One VPC behind a firewall instance, built through the EC2 API."""

    def __init__(self, endpoint: str, cidr: str = "10.0.0.0/16", ipv6: bool = False) -> None:
        self.ec2 = client(endpoint, "ec2")
        vpc = self.ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=ipv6)["Vpc"]
        self.vpc_id = vpc["VpcId"]
        self.ipv6_cidr = None  # type: Optional[str]
        if ipv6:
            described = self.ec2.describe_vpcs(VpcIds=[self.vpc_id])["Vpcs"][0]
            self.ipv6_cidr = described["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
        self.main_table = self.ec2.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [self.vpc_id]}])["RouteTables"][0]["RouteTableId"]
        self.firewall_subnet = self.subnet("10.0.0.0/24")
        self.firewall_id = self.instance(self.firewall_subnet)

    def subnet(self, cidr: str, ipv6_index: Optional[int] = None) -> str:
        params = {"VpcId": self.vpc_id, "CidrBlock": cidr}  # type: Dict[str, Any]
        if ipv6_index is not None and self.ipv6_cidr:
            network = ipaddress.ip_network(self.ipv6_cidr)
            params["Ipv6CidrBlock"] = str(next(itertools.islice(network.subnets(new_prefix=64), ipv6_index, None)))
        return str(self.ec2.create_subnet(**params)["Subnet"]["SubnetId"])

    def route_table(self, subnets: Sequence[str] = (), via_firewall: bool = True, ipv6: bool = False,
                    via_eni: bool = False) -> str:
        table = self.ec2.create_route_table(VpcId=self.vpc_id)["RouteTable"]["RouteTableId"]
        for subnet in subnets:
            self.ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        if via_firewall:
            self.default_route(table, ipv6=ipv6, via_eni=via_eni)
        return str(table)

    def default_route(self, table: str, ipv6: bool = False, via_eni: bool = False) -> None:
        target = {"NetworkInterfaceId": self.firewall_eni()} if via_eni else {"InstanceId": self.firewall_id}
        destination = {"DestinationIpv6CidrBlock": "::/0"} if ipv6 else {"DestinationCidrBlock": "0.0.0.0/0"}
        self.ec2.create_route(RouteTableId=table, **destination, **target)

    def firewall_eni(self) -> str:
        reservation = self.ec2.describe_instances(InstanceIds=[self.firewall_id])["Reservations"][0]
        return str(reservation["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"])

    def group(self, name: Optional[str] = None, permissions: Sequence[Dict[str, Any]] = ()) -> str:
        group_id = self.ec2.create_security_group(
            GroupName=name or "sg-%s" % uuid.uuid4().hex[:8], Description="test", VpcId=self.vpc_id)["GroupId"]
        if permissions:
            self.ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=list(permissions))
        return str(group_id)

    def instance(self, subnet: str, groups: Sequence[str] = (), count: int = 1, name: Optional[str] = None,
                 ipv6: bool = False) -> Any:
        params = {"ImageId": "ami-12c6146b", "InstanceType": "t3.micro", "MinCount": count, "MaxCount": count,
                  "SubnetId": subnet}  # type: Dict[str, Any]
        if groups:
            params["SecurityGroupIds"] = list(groups)
        if name is not None:
            params["TagSpecifications"] = [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}]
        if ipv6:
            params["Ipv6AddressCount"] = 1
        ids = [i["InstanceId"] for i in self.ec2.run_instances(**params)["Instances"]]
        return ids[0] if count == 1 else ids

    def attach_eni(self, instance_id: str, subnet: str, groups: Sequence[str], index: int = 1) -> str:
        eni = self.ec2.create_network_interface(SubnetId=subnet, Groups=list(groups))["NetworkInterface"]
        self.ec2.attach_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"], InstanceId=instance_id,
                                          DeviceIndex=index)
        return str(eni["NetworkInterfaceId"])

    def addresses(self, instance_id: str) -> List[str]:
        reservation = self.ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]
        found = []
        # The primary interface (device index 0) first: AWS does not promise the list's order.
        interfaces = sorted(reservation["Instances"][0]["NetworkInterfaces"],
                            key=lambda eni: eni.get("Attachment", {}).get("DeviceIndex", 0))
        for eni in interfaces:
            found += [a["PrivateIpAddress"] for a in eni["PrivateIpAddresses"]]
            found += [a["Ipv6Address"] for a in eni.get("Ipv6Addresses", ())]
        return found


def tcp(port: int, *cidrs: str, to_port: Optional[int] = None, protocol: str = "tcp") -> Dict[str, Any]:
    """An IpPermissions entry; IPv6 sources go to Ipv6Ranges."""
    return {
        "IpProtocol": protocol, "FromPort": port, "ToPort": port if to_port is None else to_port,
        "IpRanges": [{"CidrIp": c} for c in cidrs if ":" not in c],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in cidrs if ":" in c],
    }
