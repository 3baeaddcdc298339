using System.Buffers.Binary;

namespace Streaming;

/// <summary>
/// A 16-bit PCM mono WAV file written while the audio arrives: each chunk is appended to <c>PATH.part</c> and flushed,
/// and <see cref="CompleteAsync"/> fills in the header's sizes and renames the file to its final name, so a reader
/// never sees a truncated file under that name.
/// </summary>
internal sealed class StreamingWavFile : IAsyncDisposable
{
    private const int HeaderBytes = 44;

    private readonly string _path;
    private readonly string _partPath;
    private readonly FileStream _stream;
    private long _dataBytes;
    private bool _completed;

    /// <summary>Creates <c><paramref name="path"/>.part</c> and writes a header whose sizes are filled in on completion.</summary>
    /// <param name="path">The final file.</param>
    /// <param name="sampleRate">The audio's sample rate in Hz.</param>
    public StreamingWavFile(string path, int sampleRate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        _path = Path.GetFullPath(path);
        _partPath = _path + ".part";
        _stream = new FileStream(_partPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 4096, useAsync: true);
        _stream.Write(Header(sampleRate, dataBytes: 0));
    }

    /// <summary>Gets the seconds of audio written so far at <paramref name="sampleRate"/>.</summary>
    /// <param name="sampleRate">The sample rate in Hz.</param>
    /// <returns>The duration written.</returns>
    public TimeSpan Written(int sampleRate) => TimeSpan.FromSeconds(_dataBytes / sizeof(short) / (double)sampleRate);

    /// <summary>Appends samples (clipped to [−1, 1] and rounded to 16 bits) and flushes them to the file.</summary>
    /// <param name="samples">The samples.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the samples are on disk.</returns>
    public async Task AppendAsync(float[] samples, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ObjectDisposedException.ThrowIf(_completed, this);
        var bytes = new byte[samples.Length * sizeof(short)];
        for (int i = 0; i < samples.Length; i++)
        {
            float value = float.IsNaN(samples[i]) ? 0f : Math.Clamp(samples[i], -1f, 1f);
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * sizeof(short)), (short)MathF.Round(value * short.MaxValue));
        }

        await _stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _dataBytes += bytes.Length;
    }

    /// <summary>Writes the final sizes into the header and renames the file to its final name.</summary>
    /// <param name="sampleRate">The sample rate in Hz.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the file has its final name.</returns>
    public async Task CompleteAsync(int sampleRate, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _stream.Position = 0;
        await _stream.WriteAsync(Header(sampleRate, _dataBytes), cancellationToken).ConfigureAwait(false);
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Move(_partPath, _path, overwrite: true);
        _completed = true;
    }

    /// <summary>Closes the file; a file that was not completed is deleted.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        File.Delete(_partPath);
        _completed = true;
    }

    private static byte[] Header(int sampleRate, long dataBytes)
    {
        if (dataBytes > uint.MaxValue - HeaderBytes)
        {
            throw new InvalidOperationException($"{dataBytes} bytes of audio do not fit in a WAV file (4 GiB at most).");
        }

        var header = new byte[HeaderBytes];
        Span<byte> h = header;
        "RIFF"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(HeaderBytes - 8 + dataBytes));
        "WAVE"u8.CopyTo(h[8..]);
        "fmt "u8.CopyTo(h[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 16);                          // fmt chunk size
        BinaryPrimitives.WriteUInt16LittleEndian(h[20..], 1);                           // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(h[22..], 1);                           // mono
        BinaryPrimitives.WriteUInt32LittleEndian(h[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(h[28..], (uint)(sampleRate * sizeof(short))); // bytes per second
        BinaryPrimitives.WriteUInt16LittleEndian(h[32..], sizeof(short));               // block align
        BinaryPrimitives.WriteUInt16LittleEndian(h[34..], 16);                          // bits per sample
        "data"u8.CopyTo(h[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(h[40..], (uint)dataBytes);
        return header;
    }
}
