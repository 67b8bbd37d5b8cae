"""Built-in models and offline datasets. Nothing here downloads anything."""

from nnvox.models.registry import BuiltinModel, available_models, get_builtin

__all__ = ["BuiltinModel", "available_models", "get_builtin"]
