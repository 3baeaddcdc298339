using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LeWm.Vocos;

/// <summary>
/// The Vocos ISTFT head, split in two so that other backends can reuse the second half: <see cref="Spectrum"/>
/// (linear dim → n_fft + 2 = log-magnitude ‖ phase, magnitude = min(exp(·), 100), complex spectrum) and
/// <see cref="Inverse"/> (inverse STFT with <c>center</c> or <c>same</c> padding).
/// </summary>
/// <remarks>Keys: <c>out.weight</c> [n_fft + 2, dim], <c>out.bias</c>, <c>istft.window</c> [n_fft] (buffer).</remarks>
internal sealed class IstftHead : nn.Module
{
    [ComponentName(Name = "out")]
    private readonly Linear _out;

    [ComponentName(Name = "istft")]
    private readonly NamedBuffers _istft;

    private readonly VocosConfig _config;

    public IstftHead(VocosConfig config)
        : base(nameof(IstftHead))
    {
        _config = config;
        _out = nn.Linear(config.Dimension, config.FftSize + 2);
        _istft = new NamedBuffers().WithBuffer("window", torch.hann_window(config.FftSize));
        RegisterComponents();
    }

    /// <summary>The synthesis window (the checkpoint's <c>istft.window</c>).</summary>
    public Tensor Window => _istft.Buffer("window");

    /// <summary>Maps features <c>[B, T, dim]</c> to the complex spectrum <c>[B, n_fft/2 + 1, T]</c>.</summary>
    public Tensor Spectrum(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor x = _out.call(features);                 // [B, T, n_fft + 2]
        long bins = (_config.FftSize / 2) + 1;
        Tensor magnitude = x.narrow(2, 0, bins).exp().clamp_max_(100.0);
        Tensor phase = x.narrow(2, bins, bins);
        Tensor spectrum = torch.polar(magnitude, phase); // magnitude · (cos p + i sin p)
        return spectrum.transpose(1, 2).MoveToOuterDisposeScope();
    }

    /// <summary>Inverts a complex spectrum <c>[B, bins, T]</c> into audio <c>[B, samples]</c>.</summary>
    public Tensor Inverse(Tensor spectrum)
    {
        using var scope = NewDisposeScope();
        int n = _config.FftSize;
        int hop = _config.HopLength;
        Tensor window = Window.to(spectrum.device);
        if (_config.HeadPadding == VocosPadding.Center)
        {
            return torch.istft(spectrum, n, hop, n, window, center: true, normalized: false, onesided: null, length: -1, return_complex: false)
                .MoveToOuterDisposeScope();
        }

        // 'same': overlap-add of windowed inverse FFTs, trimmed by (win − hop) / 2 on both sides, divided by the
        // overlap-added squared window.
        long frames = spectrum.shape[2];
        long batch = spectrum.shape[0];
        int pad = (n - hop) / 2;
        long length = ((frames - 1) * hop) + n;
        Tensor frames3 = torch.fft.irfft(spectrum, n, dim: 1).mul_(window.unsqueeze(0).unsqueeze(2)); // [B, n, T]
        Tensor audio = nn.functional.fold(frames3, (1, length), (1, n), stride: (1, hop)).reshape(batch, length);
        Tensor squares = window.square().unsqueeze(0).unsqueeze(2).expand(1, n, frames);
        Tensor envelope = nn.functional.fold(squares, (1, length), (1, n), stride: (1, hop)).reshape(length);
        Tensor trimmed = audio.narrow(1, pad, length - (2 * pad));
        Tensor envelopeTrimmed = envelope.narrow(0, pad, length - (2 * pad));
        return trimmed.div(envelopeTrimmed).MoveToOuterDisposeScope();
    }
}
