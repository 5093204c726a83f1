# A subnet flow log is not a VPC flow log (CIS 3.7): aws_vpc.main is flagged.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_flow_log" "subnet" {
  subnet_id            = aws_subnet.a.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
