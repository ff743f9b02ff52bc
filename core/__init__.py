"""What every nenpo package shares and none owns: the error hierarchy."""
