namespace LeWm.Training.Tests.Training;

public sealed class ScheduleTests
{
    [Fact]
    public void LearningRate_WarmupThenCosine_HasExpectedValues()
    {
        var schedule = new LearningRateSchedule(PeakLearningRate: 1e-3, WarmupSteps: 10, TotalSteps: 110, FinalRatio: 0.1);

        Assert.Equal(1e-4, schedule.At(0), 12);
        Assert.Equal(5e-4, schedule.At(4), 12);
        Assert.Equal(1e-3, schedule.At(9), 12);
        Assert.Equal(1e-3, schedule.At(10), 12);
        Assert.Equal(1e-4 + (0.9e-3 * 0.5), schedule.At(60), 12);
        Assert.Equal(1e-4, schedule.At(110), 12);
        Assert.Equal(1e-4, schedule.At(500), 12);
        Assert.True(schedule.At(30) > schedule.At(31));
    }

    [Fact]
    public void LearningRate_NoWarmup_StartsAtPeak()
    {
        var schedule = new LearningRateSchedule(2e-3, 0, 100, 0.0);

        Assert.Equal(2e-3, schedule.At(0), 12);
        Assert.Equal(0.0, schedule.At(100), 12);
    }

    [Fact]
    public void KlAnnealing_RisesOverFirstFifthThenHolds()
    {
        var annealing = new KlAnnealing(TargetWeight: 0.01, TotalSteps: 1000);

        Assert.Equal(0.0, annealing.At(0));
        Assert.Equal(0.005, annealing.At(100), 12);
        Assert.Equal(0.01, annealing.At(200), 12);
        Assert.Equal(0.01, annealing.At(999), 12);
    }

    [Fact]
    public void KlAnnealing_TinyRun_UsesTargetAtOnce()
    {
        Assert.Equal(0.1, new KlAnnealing(0.1, 4).At(0));
    }
}
