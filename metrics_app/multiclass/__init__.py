"""The multiclass page: K classes, one score column per class (or a predicted-class column)."""
