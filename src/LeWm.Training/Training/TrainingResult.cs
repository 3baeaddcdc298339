namespace LeWm.Training;

/// <summary>The outcome of <see cref="Trainer.RunAsync"/>.</summary>
/// <param name="Steps">Updates made in total (including those before a resume).</param>
/// <param name="StepsThisRun">Updates made by this call.</param>
/// <param name="TotalSteps">The updates the run was planned for.</param>
/// <param name="FirstLoss">The total loss of the very first update of the training (kept across resumes), or NaN if none.</param>
/// <param name="FinalLoss">The total loss of the last update, or NaN if none.</param>
/// <param name="BestValidationLoss">The lowest validation loss (what <c>best/</c> holds), or null when never validated.</param>
/// <param name="Elapsed">The wall time of this call.</param>
/// <param name="StepsPerSecond">Updates per second in this call.</param>
/// <param name="FramesPerSecond">Valid mel frames trained on per second in this call.</param>
/// <param name="DataWaitShare">The share of the training loop's time spent waiting for data, in [0, 1].</param>
/// <param name="Cancelled">True when cancellation stopped the run early (after saving <c>last/</c>).</param>
/// <param name="LastDirectory">The <c>last/</c> checkpoint folder.</param>
/// <param name="BestDirectory">The <c>best/</c> checkpoint folder, or null when it was never written.</param>
public sealed record TrainingResult(
    int Steps,
    int StepsThisRun,
    int TotalSteps,
    double FirstLoss,
    double FinalLoss,
    double? BestValidationLoss,
    TimeSpan Elapsed,
    double StepsPerSecond,
    double FramesPerSecond,
    double DataWaitShare,
    bool Cancelled,
    string LastDirectory,
    string? BestDirectory);
