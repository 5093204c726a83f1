resource "aws_vpc" "reject" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_flow_log" "reject" {
  vpc_id               = aws_vpc.reject.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}

resource "aws_vpc" "accept" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_flow_log" "accept" {
  vpc_id               = aws_vpc.accept.id
  traffic_type         = "ACCEPT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}

data "aws_vpc" "shared" {
  id = "vpc-0123456789abcdef0"
}

resource "aws_flow_log" "shared" {
  vpc_id               = data.aws_vpc.shared.id
  traffic_type         = "ACCEPT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
}

resource "aws_vpc" "unlogged" {
  cidr_block = "10.3.0.0/16"
}
