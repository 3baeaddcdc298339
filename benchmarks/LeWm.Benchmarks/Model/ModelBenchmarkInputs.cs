using LeWm.Model.Config;
using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Benchmarks.Model;

/// <summary>
/// The shapes shared by the LeWm.Model benchmarks and their PyTorch peer (benchmarks/python/bench_lewm_torch.py):
/// 10 s of 24 kHz audio is 938 mel frames (hop 256), a sentence is 150 UTF-8 bytes framed as [bos, bytes…, eos].
/// </summary>
internal static class ModelBenchmarkInputs
{
    /// <summary>Mel frames of 10 s at 24 kHz, hop 256 (ceil(240 000 / 256)).</summary>
    public const int TenSecondFrames = 938;

    /// <summary>UTF-8 bytes of each benchmark sentence (before bos/eos).</summary>
    public const int TextBytes = 150;

    /// <summary>Latent frames held by the predictor's cache when one step is measured.</summary>
    public const int CachedFrames = 200;

    /// <summary>Random bytes framed as [bos, bytes…, eos]: ids <c>[batch, TextBytes + 2]</c> and lengths <c>[batch]</c>.</summary>
    public static (Tensor Ids, Tensor Lengths) Text(LeWmConfig config, int batch, Generator generator)
    {
        Tensor bytes = torch.randint(0, 256, [batch, TextBytes], dtype: ScalarType.Int64, generator: generator);
        Tensor ids = torch.cat(
            [torch.full(batch, 1, config.BosId, dtype: ScalarType.Int64), bytes, torch.full(batch, 1, config.EosId, dtype: ScalarType.Int64)],
            dim: 1);
        return (ids, torch.full(batch, TextBytes + 2, dtype: ScalarType.Int64));
    }
}
