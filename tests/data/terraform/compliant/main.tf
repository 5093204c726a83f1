# Compliant: each VPC has a flow log (vpc_id) capturing REJECT or ALL; the CloudWatch
# destination keeps its data for a year.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/vpc/flow-logs/main"
  retention_in_days = 365
}

resource "aws_flow_log" "main" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "REJECT"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
}

resource "aws_default_vpc" "default" {}

resource "aws_flow_log" "default" {
  vpc_id               = aws_default_vpc.default.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
