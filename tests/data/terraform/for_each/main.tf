# for_each: VPCs "a" and "b", a flow log for "a" only -> aws_vpc.this["b"] is flagged.
variable "vpcs" {
  type    = map(string)
  default = { a = "10.1.0.0/16", b = "10.2.0.0/16" }
}

resource "aws_vpc" "this" {
  for_each   = var.vpcs
  cidr_block = each.value
}

resource "aws_flow_log" "this" {
  for_each             = { for k, v in aws_vpc.this : k => v if k != "b" }
  vpc_id               = each.value.id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
