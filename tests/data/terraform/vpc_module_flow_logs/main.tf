# Shaped like terraform-aws-modules/terraform-aws-vpc's flow-log example (v6.x, before the
# flow-log submodule): the VPC module creates the flow log and, when asked, its log group,
# whose retention_in_days defaults to null (never expire). CIS 3.7 is met by every VPC
# here, as the live audit judges it; only the 90-day group keeps less than a year.
locals {
  name     = "ex-flow-log"
  vpc_cidr = "10.0.0.0/16"
  tags     = { Example = local.name }
}

# CloudWatch log group and IAM role created by the module: the group never expires.
module "vpc_with_flow_logs_cloudwatch_logs_default" {
  source = "./modules/vpc"

  name = "${local.name}-cloudwatch-logs-default"
  cidr = local.vpc_cidr

  enable_flow_log                      = true
  create_flow_log_cloudwatch_log_group = true
  create_flow_log_cloudwatch_iam_role  = true

  vpc_flow_log_tags = local.tags
}

# The same, with a retention set: 90 days.
module "vpc_with_flow_logs_cloudwatch_logs_90_days" {
  source = "./modules/vpc"

  name = "${local.name}-cloudwatch-logs-90-days"
  cidr = local.vpc_cidr

  enable_flow_log                                 = true
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  flow_log_cloudwatch_log_group_retention_in_days = 90

  vpc_flow_log_tags = local.tags
}

# CloudWatch log group created beside the module (role given): the group never expires.
module "vpc_with_flow_logs_cloudwatch_logs" {
  source = "./modules/vpc"

  name = "${local.name}-cloudwatch-logs"
  cidr = local.vpc_cidr

  enable_flow_log                  = true
  flow_log_destination_type        = "cloud-watch-logs"
  flow_log_destination_arn         = aws_cloudwatch_log_group.flow_log.arn
  flow_log_cloudwatch_iam_role_arn = "arn:aws:iam::123456789012:role/vpc-flow-logs-delivery"

  vpc_flow_log_tags = local.tags
}

module "vpc_with_flow_logs_s3_bucket" {
  source = "./modules/vpc"

  name = "${local.name}-s3"
  cidr = local.vpc_cidr

  enable_flow_log           = true
  flow_log_destination_type = "s3"
  flow_log_destination_arn  = "arn:aws:s3:::vpc-flow-logs-to-s3"

  vpc_flow_log_tags = local.tags
}

resource "aws_cloudwatch_log_group" "flow_log" {
  name = "vpc-flow-logs-to-cloudwatch"
}
