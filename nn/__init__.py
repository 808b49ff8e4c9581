"""Neural-network modules, losses, data and training."""
