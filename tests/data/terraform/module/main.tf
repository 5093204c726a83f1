# A local module three times: with its own flow log, without, and without but logged
# from the root through the module's output. Only module.unlogged is flagged (findings
# in a module are reported on the module call).
module "logged" {
  source   = "./modules/network"
  cidr     = "10.10.0.0/16"
  flow_log = true
}

module "unlogged" {
  source   = "./modules/network"
  cidr     = "10.20.0.0/16"
  flow_log = false
}

module "logged_from_root" {
  source   = "./modules/network"
  cidr     = "10.30.0.0/16"
  flow_log = false
}

resource "aws_flow_log" "from_root" {
  vpc_id               = module.logged_from_root.vpc_id
  traffic_type         = "ALL"
  log_destination_type = "s3"
  log_destination      = "arn:aws:s3:::org-log-archive-flow-logs"
}
