"""Draws a Scene with pyvista/vtk: off-screen frames, the interactive window, video export."""
