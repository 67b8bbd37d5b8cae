"""Run -> Scene: block layout, colour scales and frame_at(t). numpy only: no torch, no rendering."""
