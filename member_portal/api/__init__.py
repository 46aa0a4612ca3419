"""The pull API for the signed feed."""
