# No flow log at all: both VPCs are flagged (the adopted default VPC too).
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_default_vpc" "default" {}
