variable "cidr" {
  type = string
}

variable "flow_log" {
  type = bool
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_flow_log" "this" {
  count                = var.flow_log ? 1 : 0
  vpc_id               = aws_vpc.this.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}

output "vpc_id" {
  value = aws_vpc.this.id
}
