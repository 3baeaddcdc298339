namespace LeWm.Inference;

/// <summary>
/// Applies <see cref="SynthesisOptions.Speed"/> to a growing latent sequence: output frame j is the linear
/// interpolation of the source at position j · speed. Works incrementally (streaming) and gives the same frames as
/// scaling the finished sequence at once.
/// </summary>
internal sealed class LatentTimeScale
{
    private readonly double _speed;
    private readonly List<float[]> _source = [];
    private int _produced;

    public LatentTimeScale(double speed) => _speed = speed;

    /// <summary>Adds a source frame and returns the output frames it completes.</summary>
    public IEnumerable<float[]> Add(float[] latent)
    {
        _source.Add(latent);
        if (_speed == 1.0)
        {
            _produced++;
            yield return latent;
            yield break;
        }

        while (true)
        {
            double position = _produced * _speed;
            int left = (int)Math.Floor(position);
            if (left + 1 >= _source.Count)
            {
                yield break;
            }

            yield return Interpolate(left, position - left);
            _produced++;
        }
    }

    /// <summary>The source has ended: returns the remaining output frames (round(n / speed) in all, at least one).</summary>
    public IEnumerable<float[]> Finish()
    {
        int n = _source.Count;
        if (n == 0 || _speed == 1.0)
        {
            yield break;
        }

        int total = Math.Max(1, (int)Math.Round(n / _speed));
        while (_produced < total)
        {
            double position = Math.Min(_produced * _speed, n - 1);
            int left = Math.Min((int)Math.Floor(position), n - 1);
            yield return Interpolate(left, position - left);
            _produced++;
        }
    }

    private float[] Interpolate(int left, double fraction)
    {
        float[] a = _source[left];
        if (fraction <= 0 || left + 1 >= _source.Count)
        {
            return (float[])a.Clone();
        }

        float[] b = _source[left + 1], result = new float[a.Length];
        float f = (float)fraction;
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = a[i] + (f * (b[i] - a[i]));
        }

        return result;
    }
}
