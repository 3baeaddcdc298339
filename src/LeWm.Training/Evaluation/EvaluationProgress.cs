namespace LeWm.Training.Evaluation;

/// <summary>Reported by <see cref="CorpusEvaluator.EvaluateAsync"/> after each item.</summary>
/// <param name="Completed">Items evaluated so far.</param>
/// <param name="Total">Items that will be evaluated.</param>
/// <param name="Item">The item just evaluated.</param>
public sealed record EvaluationProgress(int Completed, int Total, ItemEvaluation Item);
