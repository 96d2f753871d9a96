"""The Epochs page: metrics per epoch or checkpoint, and training histories."""
