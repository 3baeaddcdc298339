using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Benchmarks.Vocos;

/// <summary>
/// Where the time of a full-size Vocos decode goes, op by op, with the same libtorch calls LeWm.Vocos makes
/// (`dotnet run -c Release --project benchmarks/LeWm.Benchmarks -- profile-vocos`).
/// </summary>
internal static class VocosStageProfile
{
    public static void Run(int frames = 938, int repeats = 10)
    {
        using var scope = NewDisposeScope();
        using IDisposable inference = torch.inference_mode();
        var timings = new Dictionary<string, List<double>>();
        Tensor mel = torch.randn(1, 100, frames);
        Tensor embedWeight = torch.randn(512, 100, 7) * 0.01f;
        Tensor w1 = torch.randn(1536, 512) * 0.02f, b1 = torch.zeros(1536);
        Tensor w2 = torch.randn(512, 1536) * 0.02f, b2 = torch.zeros(512);
        Tensor taps = torch.randn(7, 512), dwBias = torch.zeros(512), gamma = torch.full(512, 0.1f);
        Tensor lnW = torch.ones(512), lnB = torch.zeros(512);
        Tensor headW = torch.randn(1026, 512) * 0.02f, headB = torch.zeros(1026);
        Tensor window = torch.hann_window(1024);

        for (int r = 0; r < repeats + 2; r++)
        {
            using var inner = NewDisposeScope();
            Tensor x = Time(timings, r, "embed conv1d + transpose", () => nn.functional.conv1d(mel, embedWeight, padding: 3).transpose(1, 2).contiguous());
            for (int layer = 0; layer < 8; layer++)
            {
                Tensor input = x;
                Tensor y = Time(timings, r, "depthwise conv, 7 shifted taps", () =>
                {
                    Tensor acc = input.mul(taps[3]).add_(dwBias);
                    for (int k = 0; k < 7; k++)
                    {
                        int offset = k - 3;
                        int span = frames - Math.Abs(offset);
                        if (offset != 0)
                        {
                            acc.narrow(1, Math.Max(0, -offset), span).addcmul_(input.narrow(1, Math.Max(0, offset), span), taps[k], 1.0);
                        }
                    }

                    return acc;
                });
                y = Time(timings, r, "layer norm", () => nn.functional.layer_norm(y, [512], lnW, lnB, 1e-6));
                y = Time(timings, r, "pwconv1 (linear 512→1536)", () => nn.functional.linear(y, w1, b1));
                y = Time(timings, r, "gelu (in place)", () => nn.functional.gelu(y, inplace: true));
                y = Time(timings, r, "pwconv2 (linear 1536→512)", () => nn.functional.linear(y, w2, b2));
                x = Time(timings, r, "residual addcmul (in place)", () => input.addcmul_(y, gamma, 1.0));
            }

            Tensor h = Time(timings, r, "head linear 512→1026", () => nn.functional.linear(x, headW, headB));
            Tensor spec = Time(timings, r, "head exp/clamp/polar/transpose", () =>
                torch.polar(h.narrow(2, 0, 513).exp().clamp_max_(100.0), h.narrow(2, 513, 513)).transpose(1, 2));
            Tensor audio = Time(timings, r, "istft", () => torch.istft(spec, 1024, 256, 1024, window, center: true, normalized: false, onesided: null, length: -1, return_complex: false));
            Time(timings, r, "copy out: data<float>().ToArray()", () => { _ = audio[0].data<float>().ToArray(); return audio; });
            Time(timings, r, "copy out: bytes → float[]", () => { _ = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(audio[0].bytes).ToArray(); return audio; });
            Time(timings, r, "mel in: torch.tensor(float[])", () => torch.tensor(new float[100 * frames], [100, frames]));
        }

        double total = 0;
        foreach ((string stage, List<double> times) in timings)
        {
            double median = times.Order().ElementAt(times.Count / 2);
            total += median;
            Console.WriteLine($"{stage,-34} {median,9:0.00} ms");
        }

        Console.WriteLine($"{"sum of medians",-34} {total,9:0.00} ms  (threads {torch.get_num_threads()})");
    }

    /// <summary>The same stages through LeWm.Vocos' own modules (random full-size weights).</summary>
    public static void RunModules(int frames = 938, int repeats = 10)
    {
        using var network = new LeWm.Vocos.VocosNetwork(LeWm.Vocos.VocosConfig.Mel24Khz);
        network.eval();
        using IDisposable inference = torch.inference_mode();
        var timings = new Dictionary<string, List<double>>();
        var logMel = new LeWm.Audio.Mel.MelSpectrogram().Compute(LeWm.Benchmarks.Audio.BenchmarkSignals.Create(10, 24_000));
        Tensor mel = torch.tensor(logMel.Values, [1, 100, logMel.Frames]);
        for (int r = 0; r < repeats + 2; r++)
        {
            using var inner = NewDisposeScope();
            Tensor features = Time(timings, r, "backbone (module)", () => network.Backbone.call(mel));
            Tensor spectrum = Time(timings, r, "head spectrum (module)", () => network.Head.Spectrum(features));
            Time(timings, r, "head inverse (module)", () => network.Head.Inverse(spectrum));
        }

        using var vocoder = LeWm.Vocos.VocosVocoder.CreateRandom(LeWm.Vocos.VocosConfig.Mel24Khz, seed: 7);
        for (int r = 0; r < repeats + 2; r++)
        {
            Time(timings, r, "VocosVocoder.Vocode (whole)", () => { _ = vocoder.Vocode(logMel); return mel; });
        }

        foreach ((string stage, List<double> times) in timings)
        {
            Console.WriteLine($"{stage,-34} {times.Order().ElementAt(times.Count / 2),9:0.00} ms");
        }
    }

    private static Tensor Time(Dictionary<string, List<double>> timings, int round, string stage, Func<Tensor> op)
    {
        long start = Stopwatch.GetTimestamp();
        Tensor result = op();
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (round >= 2)
        {
            if (!timings.TryGetValue(stage, out List<double>? list))
            {
                timings[stage] = list = [];
            }

            // A stage that runs once per block accumulates per round.
            if (list.Count == round - 2)
            {
                list.Add(ms);
            }
            else
            {
                list[^1] += ms;
            }
        }

        return result;
    }
}
