# Threshold 365 (C7N_VPCFLOW_MIN_RETENTION_DAYS unset): only "short" keeps too little.
# "forever" and "zero" never expire, which keeps enough; "unrelated" and "named_in_tags"
# are no VPC flow log's destination, so they are not judged.
resource "aws_vpc" "main" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_cloudwatch_log_group" "year" {
  name              = "/vpc/flow-logs/year"
  retention_in_days = 365
}

resource "aws_cloudwatch_log_group" "short" {
  name              = "/vpc/flow-logs/short"
  retention_in_days = 30
}

resource "aws_cloudwatch_log_group" "forever" {
  name = "/vpc/flow-logs/forever"
}

resource "aws_cloudwatch_log_group" "zero" {
  name              = "/vpc/flow-logs/zero"
  retention_in_days = 0
}

resource "aws_cloudwatch_log_group" "unrelated" {
  name              = "/app/unrelated"
  retention_in_days = 1
}

resource "aws_cloudwatch_log_group" "named_in_tags" {
  name              = "/not/a/destination"
  retention_in_days = 1
}

resource "aws_flow_log" "year" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "REJECT"
  log_destination = aws_cloudwatch_log_group.year.arn
}

resource "aws_flow_log" "short" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.short.arn
}

resource "aws_flow_log" "forever" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.forever.arn
}

resource "aws_flow_log" "zero" {
  vpc_id          = aws_vpc.main.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.zero.arn
}

resource "aws_flow_log" "s3" {
  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::flow-logs"
  tags                 = { note = aws_cloudwatch_log_group.named_in_tags.name }
}
