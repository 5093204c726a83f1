# Log groups that VPC flow logs write to. The default gate judges none of them (CIS 3.7
# asks for the flow log); with --min-retention-days N, "year" (365, from a variable) fails
# when N > 365, while no retention_in_days or 0 (never expire) keeps enough. Log groups no
# VPC flow log writes to are not judged, even when an S3 flow log's tags name one.
variable "retention_days" {
  type    = number
  default = 365
}

resource "aws_vpc" "a" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_vpc" "b" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_vpc" "c" {
  cidr_block = "10.3.0.0/16"
}

resource "aws_cloudwatch_log_group" "forever" {
  name = "/vpc/flow-logs/a"
}

resource "aws_cloudwatch_log_group" "zero" {
  name              = "/vpc/flow-logs/b"
  retention_in_days = 0
}

resource "aws_cloudwatch_log_group" "year" {
  name              = "/vpc/flow-logs/c"
  retention_in_days = var.retention_days
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/app/unrelated"
}

resource "aws_cloudwatch_log_group" "named_in_tags" {
  name = "/not/a/destination"
}

resource "aws_flow_log" "a" {
  vpc_id          = aws_vpc.a.id
  traffic_type    = "REJECT"
  log_destination = aws_cloudwatch_log_group.forever.arn
  iam_role_arn    = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
}

resource "aws_flow_log" "b" {
  vpc_id               = aws_vpc.b.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.zero.arn
  iam_role_arn         = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
}

resource "aws_flow_log" "c" {
  vpc_id          = aws_vpc.c.id
  traffic_type    = "REJECT"
  log_destination = aws_cloudwatch_log_group.year.arn
  iam_role_arn    = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"
}

resource "aws_flow_log" "c_s3" {
  vpc_id               = aws_vpc.c.id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
  tags = {
    note = aws_cloudwatch_log_group.named_in_tags.name
  }
}
