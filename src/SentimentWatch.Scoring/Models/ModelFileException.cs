namespace SentimentWatch.Scoring.Models;

/// <summary>A model file that cannot be used; the message names the setting and the path.</summary>
public sealed class ModelFileException(string message, Exception? inner = null) : Exception(message, inner);
