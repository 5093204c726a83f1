# VPCs read with data sources are declared elsewhere: one without a flow log here is not
# flagged (its own Terraform, or the live audit, answers for it). A flow log this code
# creates for one is ours, though: ACCEPT only -> data.aws_vpc.shared is flagged.
data "aws_vpc" "shared" {
  id = "vpc-0123456789abcdef0"
}

data "aws_vpc" "default" {
  default = true
}

resource "aws_flow_log" "shared" {
  vpc_id               = data.aws_vpc.shared.id
  traffic_type         = "ACCEPT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
