"""Display names: the rules (`rules`), reading and requesting (`requests`), Meta's decisions (`decisions`) and the
polling job that finds the decisions a lost webhook missed (`polling`)."""
