"""You said, we did: what people told us, what we did about it, and telling them."""
