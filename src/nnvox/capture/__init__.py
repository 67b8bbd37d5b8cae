"""Trace a model's graph and record activations and weights into a run folder (torch, safetensors)."""
