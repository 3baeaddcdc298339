namespace LeWm.Samples.WebApp;

/// <summary>Reads a request body into memory, refusing one over a size limit before and while it arrives.</summary>
internal static class RequestBody
{
    /// <summary>Reads the whole body of <paramref name="request"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="maxBytes">The most bytes accepted.</param>
    /// <param name="cancellationToken">Cancels the read (the client went away).</param>
    /// <returns>The body's bytes.</returns>
    /// <exception cref="InvalidRequestException">The body is empty or longer than <paramref name="maxBytes"/> (by its Content-Length or as read).</exception>
    public static async Task<byte[]> ReadAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is long declared && declared > maxBytes)
        {
            throw new InvalidRequestException($"The request body is {declared} bytes; the limit is {maxBytes}.");
        }

        using var buffer = new MemoryStream();
        byte[] block = new byte[8192];
        while (true)
        {
            int read = await request.Body.ReadAsync(block, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidRequestException($"The request body is over the limit of {maxBytes} bytes.");
            }

            buffer.Write(block, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new InvalidRequestException("The request body is empty.");
        }

        return buffer.ToArray();
    }
}
