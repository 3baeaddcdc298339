using TorchSharp;
using static TorchSharp.torch;

namespace LeWm.Model.Losses;

/// <summary>
/// The multi-resolution spectral loss along time of the log-mel (the reference's <c>spectral_loss_item</c> and the
/// <c>spectral</c> term of <c>LeWmTts.forward</c>).
/// </summary>
/// <remarks>
/// Each mel band's trajectory <c>mel[b, k, :T_b]</c> is a signal. For each FFT size n with n ≤ T_b:
/// <c>S = |STFT_n(mel)|</c>, <c>Ŝ = |STFT_n(mel̂)|</c> with a periodic Hann(n) window, hop n/4, no centring and
/// <c>|·| = sqrt(max(re² + im², 1e-12))</c>; <c>SC = ‖S − Ŝ‖_F / max(‖S‖_F, 1e-12)</c> and
/// <c>LM = mean|log max(S, 1e-5) − log max(Ŝ, 1e-5)|</c>. An item's loss is the mean of SC + LM over the resolutions
/// it used; the batch loss is the mean over the items that used at least one (0 if none).
/// </remarks>
public static class MultiResolutionSpectralLoss
{
    /// <summary>The floor of <c>re² + im²</c> before the square root (keeps the gradient finite).</summary>
    public const double PowerFloor = 1e-12;

    /// <summary>The floor of a magnitude before its logarithm.</summary>
    public const double MagnitudeFloor = 1e-5;

    /// <summary>The floor of the target's Frobenius norm in the spectral-convergence denominator.</summary>
    public const double NormFloor = 1e-12;

    /// <summary>The STFT magnitude of each row of <paramref name="signals"/>.</summary>
    /// <param name="signals">Signals along the last dimension <c>[S, T]</c>, T ≥ <paramref name="fftSize"/>.</param>
    /// <param name="fftSize">The FFT size n, a multiple of 4 (hop n/4, window n).</param>
    /// <returns><c>[S, n/2 + 1, frames]</c> with frames = 1 + (T − n) / (n/4).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="signals"/> is null.</exception>
    public static Tensor Magnitude(Tensor signals, int fftSize)
    {
        ArgumentNullException.ThrowIfNull(signals);
        using var scope = NewDisposeScope();
        Tensor window = torch.hann_window(fftSize, periodic: true, dtype: signals.dtype, device: signals.device);
        Tensor spectrum = torch.stft(signals, fftSize, hop_length: fftSize / 4, win_length: fftSize, window: window,
            center: false, return_complex: true);
        Tensor power = torch.view_as_real(spectrum).pow(2).sum(-1);
        return power.clamp_min(PowerFloor).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>One item's loss over its valid frames.</summary>
    /// <param name="predicted">The decoded log-mel of the item's valid part <c>[n_mels, T]</c>.</param>
    /// <param name="target">The target log-mel of the item's valid part <c>[n_mels, T]</c>.</param>
    /// <param name="fftSizes">The FFT sizes; a size larger than T is skipped.</param>
    /// <returns>The mean over the resolutions used of SC + LM (a scalar; 0 if none fits) and how many were used.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static (Tensor Loss, int ResolutionsUsed) Item(Tensor predicted, Tensor target, IReadOnlyList<int> fftSizes)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(fftSizes);
        using var scope = NewDisposeScope();
        long frames = target.shape[^1];
        Tensor total = torch.zeros(Array.Empty<long>(), dtype: predicted.dtype, device: predicted.device);
        int used = 0;
        foreach (int fftSize in fftSizes)
        {
            if (fftSize > frames)
            {
                continue;
            }

            Tensor s = Magnitude(target, fftSize);
            Tensor sHat = Magnitude(predicted, fftSize);
            Tensor convergence = torch.linalg.vector_norm(s.sub(sHat).flatten())
                .div(torch.linalg.vector_norm(s.flatten()).clamp_min(NormFloor));
            Tensor logMagnitude = s.clamp_min(MagnitudeFloor).log().sub(sHat.clamp_min(MagnitudeFloor).log()).abs().mean();
            total = total.add(convergence).add(logMagnitude);
            used++;
        }

        Tensor loss = used > 0 ? total.div(used) : total;
        return (loss.MoveToOuterDisposeScope(), used);
    }

    /// <summary>The batch loss, each item computed on its own valid slice.</summary>
    /// <param name="predicted">The decoded log-mel <c>[B, n_mels, T]</c>.</param>
    /// <param name="target">The target log-mel <c>[B, n_mels, T]</c>.</param>
    /// <param name="melLengths">Valid mel frames per item <c>[B]</c> (int64).</param>
    /// <param name="fftSizes">The FFT sizes (the configuration's <c>spectral_fft_sizes</c>).</param>
    /// <returns>
    /// The mean over the items that used at least one resolution (a scalar; 0 if none did, which like the reference's
    /// carries no gradient) and each item's own loss <c>[B]</c> (0 for an item shorter than every FFT size).
    /// </returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static (Tensor Loss, Tensor PerItem) Compute(Tensor predicted, Tensor target, Tensor melLengths, IReadOnlyList<int> fftSizes)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(melLengths);
        ArgumentNullException.ThrowIfNull(fftSizes);
        using var scope = NewDisposeScope();
        long[] lengths = melLengths.to(ScalarType.Int64).cpu().data<long>().ToArray();
        var items = new List<Tensor>(lengths.Length);
        var usedItems = new List<Tensor>(lengths.Length);
        for (int i = 0; i < lengths.Length; i++)
        {
            Tensor predictedItem = predicted[i].narrow(-1, 0, lengths[i]);
            Tensor targetItem = target[i].narrow(-1, 0, lengths[i]);
            (Tensor value, int used) = Item(predictedItem, targetItem, fftSizes);
            items.Add(value);
            if (used > 0)
            {
                usedItems.Add(value);
            }
        }

        Tensor perItem = torch.stack(items);
        Tensor loss = usedItems.Count > 0 ? torch.stack(usedItems).mean() : perItem.sum().mul(0.0);
        return (loss.MoveToOuterDisposeScope(), perItem.MoveToOuterDisposeScope());
    }
}
