using Microsoft.AspNetCore.Http.Features;

namespace ChatHub.Characters;

/// <summary>
/// One uploaded file: the first file of a multipart form, or the whole body. Read up to a bound: a larger
/// upload is refused with a message, not buffered.
/// </summary>
public static class Uploads
{
    /// <summary>Room for the form's boundaries and headers around the file.</summary>
    private const int FormOverhead = 64 * 1024;

    public static async Task<(byte[]? File, string? Problem)> ReadAsync(HttpRequest request, int maxBytes, CancellationToken ct)
    {
        var tooLarge = $"The file is larger than {maxBytes / (1024 * 1024)} MB.";
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = maxBytes + FormOverhead;
        }
        if (request.ContentLength > maxBytes + FormOverhead) return (null, tooLarge);
        try
        {
            if (request.HasFormContentType)
            {
                var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes + FormOverhead }, ct);
                if (form.Files.Count == 0) return (null, "The form has no file.");
                var file = form.Files[0];
                if (file.Length > maxBytes) return (null, tooLarge);
                using var copy = new MemoryStream((int)file.Length);
                await file.CopyToAsync(copy, ct);
                return (copy.ToArray(), null);
            }
            using var body = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
            {
                if (body.Length + read > maxBytes) return (null, tooLarge);
                body.Write(buffer, 0, read);
            }
            return body.Length == 0 ? (null, "The request has no file.") : (body.ToArray(), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return (null, tooLarge);
        }
    }
}
