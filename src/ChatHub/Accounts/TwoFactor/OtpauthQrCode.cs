using QRCoder;

namespace ChatHub.Accounts.TwoFactor;

/// <summary>
/// The <c>otpauth://</c> URI as a QR code for an authenticator's camera, drawn here as SVG so the page needs no
/// script library and no remote service. Dark on white whatever the page's theme: scanners need the contrast.
/// </summary>
public static class OtpauthQrCode
{
    private const int PixelsPerModule = 4;

    public static string Svg(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(PixelsPerModule, "#000000", "#ffffff", drawQuietZones: true, SvgQRCode.SizingMode.ViewBoxAttribute);
    }
}
