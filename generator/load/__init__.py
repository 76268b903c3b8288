"""Load: read a description and the files it references, convert Swagger 2.0, apply Overlays."""
