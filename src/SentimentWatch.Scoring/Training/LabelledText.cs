namespace SentimentWatch.Scoring.Training;

/// <summary>A training or evaluation text with its polarity and where it came from.</summary>
/// <param name="Domain">The text's source domain (amazon, imdb, yelp; book, hotel, product for Chinese), used for cross-domain splits.</param>
public sealed record LabelledText(string Text, bool Positive, string Language, string Domain);

/// <summary>A hand-labelled evaluation post: three-way sentiment and, for complaints, a topic.</summary>
public sealed record LabelledPost(string Id, string Language, string Split, string Sentiment, string? Topic, string Text);
