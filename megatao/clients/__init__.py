"""The protocol's contracts as Python clients: protocol, markets, pools, trading, LP, referral, the MTSOS oracle."""
