# count: three VPCs, flow logs for the first two only -> aws_vpc.spoke[2] is flagged.
resource "aws_vpc" "spoke" {
  count      = 3
  cidr_block = "10.${count.index}.0.0/16"
}

resource "aws_flow_log" "spoke" {
  count                = 2
  vpc_id               = aws_vpc.spoke[count.index].id
  traffic_type         = "REJECT"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
