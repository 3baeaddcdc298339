namespace LeWm.Training;

/// <summary>What the trainer reports after each step.</summary>
/// <param name="Step">Updates made so far (1 after the first).</param>
/// <param name="TotalSteps">The updates of the whole run.</param>
/// <param name="Epoch">The epoch the step's batch came from (0-based).</param>
/// <param name="Losses">The step's loss terms.</param>
/// <param name="KlWeight">The annealed KL weight the step used.</param>
/// <param name="LearningRate">The learning rate the step used.</param>
/// <param name="GradientNorm">The global gradient norm before clipping.</param>
/// <param name="StepsPerSecond">Steps per second in this run so far.</param>
/// <param name="DataWaitShare">The share of this run's wall time spent waiting for data, in [0, 1].</param>
/// <param name="Validation">The validation losses when this step validated, else null.</param>
public sealed record TrainingProgress(
    int Step,
    int TotalSteps,
    int Epoch,
    TrainingLossValues Losses,
    double KlWeight,
    double LearningRate,
    double GradientNorm,
    double StepsPerSecond,
    double DataWaitShare,
    TrainingLossValues? Validation);
