variable "name" {
  type    = string
  default = ""
}

variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "create_vpc" {
  type    = bool
  default = true
}

variable "enable_flow_log" {
  type    = bool
  default = false
}

variable "create_flow_log_cloudwatch_log_group" {
  type    = bool
  default = false
}

variable "create_flow_log_cloudwatch_iam_role" {
  type    = bool
  default = false
}

variable "flow_log_destination_type" {
  type    = string
  default = "cloud-watch-logs"
}

variable "flow_log_destination_arn" {
  type    = string
  default = ""
}

variable "flow_log_cloudwatch_iam_role_arn" {
  type    = string
  default = ""
}

variable "flow_log_traffic_type" {
  type    = string
  default = "ALL"
}

variable "flow_log_cloudwatch_log_group_name_prefix" {
  type    = string
  default = "/aws/vpc-flow-log/"
}

variable "flow_log_cloudwatch_log_group_retention_in_days" {
  type    = number
  default = null
}

variable "vpc_flow_log_tags" {
  type    = map(string)
  default = {}
}
