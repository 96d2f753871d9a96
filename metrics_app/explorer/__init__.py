"""The threshold explorer page: metric cards, confusion matrix, score distributions."""
