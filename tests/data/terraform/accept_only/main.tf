# Traffic types: ACCEPT only, and no traffic_type, are flagged; ACCEPT next to REJECT is
# fine (one flow log that captures rejects is enough, as in the live audit).
resource "aws_vpc" "accept_only" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "no_traffic_type" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc" "accept_and_reject" {
  cidr_block = "10.3.0.0/16"
}

resource "aws_flow_log" "accept_only" {
  vpc_id               = aws_vpc.accept_only.id
  traffic_type         = "ACCEPT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}

resource "aws_flow_log" "no_traffic_type" {
  vpc_id               = aws_vpc.no_traffic_type.id
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}

resource "aws_flow_log" "accept" {
  vpc_id               = aws_vpc.accept_and_reject.id
  traffic_type         = "ACCEPT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}

resource "aws_flow_log" "reject" {
  vpc_id               = aws_vpc.accept_and_reject.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
