# An ENI flow log whose tags name the VPC: tfparse links it to the VPC all the same, so
# only the vpc_id guard keeps it from passing for a VPC flow log. aws_vpc.main is flagged.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_network_interface" "probe" {
  subnet_id = "subnet-0123456789abcdef0"
}

resource "aws_flow_log" "eni" {
  eni_id               = aws_network_interface.probe.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
  tags = {
    Name = "probe in ${aws_vpc.main.id}"
    vpc  = aws_vpc.main.id
  }
}
