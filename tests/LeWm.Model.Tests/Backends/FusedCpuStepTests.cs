using System.Text;
using LeWm.Checkpoints;
using LeWm.Inference;
using LeWm.Model.Backends;
using LeWm.Model.Checkpoints;
using LeWm.Model.Config;
using LeWm.Model.Modules;

namespace LeWm.Model.Tests.Backends;

/// <summary>
/// The fused CPU step kernel against TorchSharp's <see cref="JepaPredictor.Step"/> on the same weights: latents and stop
/// logits agree within 1e-4 (float32 rounding of a different summation order) step after step, through cache growth
/// and with sequences of different lengths stepped together.
/// </summary>
public sealed class FusedCpuStepTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Advance_FusedAndTorchSharp_AgreeForThreeHundredStepsWithPrompt()
    {
        using LeWmSpeechModel fused = Model(fusedCpuStep: true);
        using LeWmSpeechModel reference = Model(fusedCpuStep: false);
        int l = fused.Info.LatentSize;
        var prompt = new LatentFrames(Noise(7 * l, seed: 3), 7, l);
        using ISpeechSequence a = fused.StartSequence(Text("hi"), prompt);
        using ISpeechSequence b = reference.StartSequence(Text("hi"), prompt);
        var inputs = new float[l];
        float[] nextA = new float[l], nextB = new float[l], stopA = new float[1], stopB = new float[1];
        for (int step = 0; step < 300; step++)
        {
            fused.Advance([a], inputs, nextA, stopA);
            reference.Advance([b], inputs, nextB, stopB);
            AssertClose(nextB, nextA, $"latent of step {step}");
            AssertClose(stopB, stopA, $"stop logit of step {step}");
            nextB.CopyTo(inputs, 0);
        }

        Assert.Equal(b.FedFrames, a.FedFrames);
    }

    [Fact]
    public void Advance_BatchOfDifferentLengths_EqualsEachSequenceAlone()
    {
        using LeWmSpeechModel model = Model(fusedCpuStep: true);
        using LeWmSpeechModel reference = Model(fusedCpuStep: false);
        int l = model.Info.LatentSize;
        SpeechText[] texts = [Text("one"), Text("a much longer second sentence"), Text("third")];
        ISpeechSequence[] batch = [.. texts.Select(t => model.StartSequence(t))];
        ISpeechSequence[] alone = [.. texts.Select(t => reference.StartSequence(t))];
        try
        {
            var inputs = new float[3 * l];
            var next = new float[3 * l];
            var stop = new float[3];
            for (int step = 0; step < 12; step++)
            {
                // The third sequence joins late: the batch mixes a fresh sequence with running ones.
                int members = step < 4 ? 2 : 3;
                model.Advance(batch[..members], inputs.AsSpan(0, members * l), next.AsSpan(0, members * l), stop.AsSpan(0, members));
                for (int i = 0; i < members; i++)
                {
                    var single = new float[l];
                    var singleStop = new float[1];
                    reference.Advance([alone[i]], inputs.AsSpan(i * l, l), single, singleStop);
                    AssertClose(single, next.AsSpan(i * l, l).ToArray(), $"sequence {i}, step {step}");
                    AssertClose(singleStop, [stop[i]], $"stop of sequence {i}, step {step}");
                }

                next.AsSpan(0, members * l).CopyTo(inputs);
            }
        }
        finally
        {
            Array.ForEach(batch, s => s.Dispose());
            Array.ForEach(alone, s => s.Dispose());
        }
    }

    [Fact]
    public void Advance_BFloat16StepWeights_StayWithinTheirRoundingOfFloat32()
    {
        using LeWmSpeechModel full = Model(fusedCpuStep: true);
        using LeWmSpeechModel half = Model(fusedCpuStep: true, ModelPrecision.BFloat16);
        int l = full.Info.LatentSize;
        using ISpeechSequence a = full.StartSequence(Text("bfloat16 weights"));
        using ISpeechSequence b = half.StartSequence(Text("bfloat16 weights"));
        var inputs = new float[l];
        float[] nextA = new float[l], nextB = new float[l], stopA = new float[1], stopB = new float[1];
        double worst = 0, scale = 0;
        for (int step = 0; step < 40; step++)
        {
            full.Advance([a], inputs, nextA, stopA);
            half.Advance([b], inputs, nextB, stopB);
            for (int i = 0; i < l; i++)
            {
                worst = Math.Max(worst, Math.Abs(nextA[i] - nextB[i]));
                scale = Math.Max(scale, Math.Abs(nextA[i]));
            }

            nextA.CopyTo(inputs, 0);
        }

        // bfloat16 keeps 8 significant bits (relative rounding ≤ 2⁻⁹ ≈ 0.2 %); through six layers the predictions
        // move by a few times that, far less than they differ from one step to the next — and not by nothing.
        Assert.True(worst <= 0.02 * scale, $"max |Δ| = {worst:g3} against a scale of {scale:g3}");
        Assert.True(worst > 0, "bfloat16 weights changed nothing: the option is not in effect");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        float worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"{what}: element {i} is {actual[i]}");
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }

        Assert.True(worst <= Tolerance, $"{what}: max |Δ| = {worst:g3} > {Tolerance:g1}");
    }

    private static SpeechText Text(string text) => new(Encoding.UTF8.GetBytes(text));

    private static float[] Noise(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2) - 1))];
    }

    private static LeWmSpeechModel Model(bool fusedCpuStep, ModelPrecision stepWeights = ModelPrecision.Full)
    {
        var network = new LeWmNetwork(LeWmConfig.Tiny);
        StateDictFile.LoadInto(network, ModelFixture.PathOf("tiny/model.safetensors"));
        return new LeWmSpeechModel(
            network, [], LeWmCheckpoint.NoTextNormalizer, new LeWmModelOptions { FusedCpuStep = fusedCpuStep, Threads = 2, CpuStepWeights = stepWeights });
    }
}
