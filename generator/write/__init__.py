"""Write: put the rendered files in place atomically, under a lock, with a manifest."""
