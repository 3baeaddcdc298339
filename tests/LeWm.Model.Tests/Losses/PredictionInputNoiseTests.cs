using LeWm.Model.Config;
using LeWm.Model.Losses;
using LeWm.Model.Modules;
using LeWm.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Tests.Losses;

/// <summary>
/// <see cref="LeWmConfig.PredictionInputNoise"/>: noise on the predictor's teacher-forced inputs while training only.
/// Dropout is off in both networks so that the noise is the only difference between them.
/// </summary>
public sealed class PredictionInputNoiseTests
{
    [Fact]
    public void ComputeLosses_TrainingWithInputNoise_ChangesOnlyThePredictorsLosses()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using LeWmNetwork plain = Network(0);
        using LeWmNetwork noisy = Network(0.5);
        plain.train();
        noisy.train();
        LeWmBatch batch = LossFixture.Batch();
        Tensor epsilon = LossFixture.Noise();

        torch.manual_seed(7);
        LeWmLosses without = plain.ComputeLosses(batch, LossFixture.KlWeight, epsilon);
        torch.manual_seed(7);
        LeWmLosses with = noisy.ComputeLosses(batch, LossFixture.KlWeight, epsilon);

        foreach (string name in new[] { "kl", "recon", "spectral" })
        {
            Assert.Equal(LossFixture.Term(without, name).item<float>(), LossFixture.Term(with, name).item<float>());
        }

        Assert.NotEqual(LossFixture.Term(without, "prediction").item<float>(), LossFixture.Term(with, "prediction").item<float>());
        Assert.NotEqual(LossFixture.Term(without, "stop").item<float>(), LossFixture.Term(with, "stop").item<float>());
    }

    [Fact]
    public void ComputeLosses_EvaluationMode_IgnoresTheInputNoise()
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using LeWmNetwork plain = Network(0);
        using LeWmNetwork noisy = Network(0.5);
        LeWmBatch batch = LossFixture.Batch();
        Tensor epsilon = LossFixture.Noise();

        LeWmLosses without = plain.ComputeLosses(batch, LossFixture.KlWeight, epsilon);
        LeWmLosses with = noisy.ComputeLosses(batch, LossFixture.KlWeight, epsilon);

        foreach (string name in LossFixture.TermNames.Append("total"))
        {
            Assert.Equal(LossFixture.Term(without, name).item<float>(), LossFixture.Term(with, name).item<float>());
        }
    }

    [Fact]
    public void Config_NegativeInputNoise_IsRefused()
    {
        var e = Assert.Throws<ModelConfigurationException>(() => LeWmConfig.FromJson(LeWmConfig.Tiny.ToJson().Replace("\"prediction_input_noise\": 0", "\"prediction_input_noise\": -1", StringComparison.Ordinal)));

        Assert.Contains("prediction_input_noise", e.Message, StringComparison.Ordinal);
    }

    private static LeWmNetwork Network(double inputNoise)
    {
        var network = new LeWmNetwork(LeWmConfig.Tiny with { Dropout = 0, PredictionInputNoise = inputNoise });
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        network.eval();
        return network;
    }
}
