"""The parts of the desktop window (viewer/window.py composes them): its panes of scenes, its text
panels, the clicked voxel and saved views. The scenes themselves draw through the same overlays as
off-screen rendering (viewer/overlays/)."""
