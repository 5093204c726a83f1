resource "aws_vpc" "main" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_cloudwatch_log_group" "kept" {
  name              = "/vpc/flow-logs/kept"
  retention_in_days = 365
}

resource "aws_cloudwatch_log_group" "forever" {
  name = "/vpc/flow-logs/forever"
}

resource "aws_cloudwatch_log_group" "unrelated" {
  name = "/app/unrelated"
}

resource "aws_flow_log" "kept" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "REJECT"
  log_destination = aws_cloudwatch_log_group.kept.arn
}

resource "aws_flow_log" "forever" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.forever.arn
}
