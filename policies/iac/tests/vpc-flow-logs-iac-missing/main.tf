resource "aws_vpc" "logged" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "logged" {
  vpc_id               = aws_vpc.logged.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}

resource "aws_vpc" "unlogged" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc" "subnet_log_only" {
  cidr_block = "10.3.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.subnet_log_only.id
  cidr_block = "10.3.1.0/24"
}

resource "aws_flow_log" "subnet" {
  subnet_id            = aws_subnet.a.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
  tags                 = { vpc = aws_vpc.subnet_log_only.id }
}
