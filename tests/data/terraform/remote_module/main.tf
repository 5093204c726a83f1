# Modules from a registry and from git, not fetched (no `terraform init`): c7n-left sees
# none of their resources and passes; iac/check.py refuses to judge the tree.
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"
  name    = "prod"
  cidr    = "10.0.0.0/16"
}

module "network" {
  source = "git::https://git.example.com/platform/network.git?ref=v1.0.0"
}
