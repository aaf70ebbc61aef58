# Renders a pore network written by `porous analyze ... --network NET.vtk` in ParaView, the way a
# user would open it: pores as spheres of their inscribed diameter, throats as lines coloured by
# diameter. Run with ParaView's batch interpreter (Debian 12: apt-get install paraview xvfb):
#   xvfb-run -a pvbatch scripts/render-network-paraview.py NET.vtk OUT.png
import sys
from paraview.simple import *

src, out = sys.argv[1], sys.argv[2]
net = LegacyVTKReader(FileNames=[src])
view = CreateView('RenderView')
view.ViewSize = [1200, 900]
view.UseColorPaletteForBackground = 0
view.Background = [1, 1, 1]
view.OrientationAxesVisibility = 1
view.OrientationAxesLabelColor = [0, 0, 0]

# throats: the polydata's lines, coloured by their cell data 'diameter_m'
throats = Show(net, view)
throats.Representation = 'Wireframe'
throats.LineWidth = 2.0
ColorBy(throats, ('CELLS', 'diameter_m'))
lut = GetColorTransferFunction('diameter_m')
lut.ApplyPreset('Viridis (matplotlib)', True)
throats.SetScalarBarVisibility(view, True)
bar = GetScalarBar(lut, view)
bar.Title = 'pore / throat diameter (m)'
bar.ComponentTitle = ''
bar.TitleColor = bar.LabelColor = [0, 0, 0]
bar.RangeLabelFormat = '%.1e'

# pores: spheres scaled by the point data 'pore_inscribed_diameter_m' (scale factor 1: radius = d/2 with a unit-diameter sphere)
glyphs = Glyph(Input=net, GlyphType='Sphere')
glyphs.ScaleArray = ['POINTS', 'pore_inscribed_diameter_m']
glyphs.ScaleFactor = 1.0
glyphs.GlyphMode = 'All Points'
glyphs.GlyphType.Radius = 0.5
glyphs.GlyphType.ThetaResolution = 16
glyphs.GlyphType.PhiResolution = 12
pores = Show(glyphs, view)
ColorBy(pores, ('POINTS', 'pore_inscribed_diameter_m'))
plut = GetColorTransferFunction('pore_inscribed_diameter_m')
plut.ApplyPreset('Viridis (matplotlib)', True)
pores.Opacity = 0.55
# one colour scale for pores and throats, so the bar reads for both
lo, hi = net.PointData['pore_inscribed_diameter_m'].GetRange()
lo = min(lo, net.CellData['diameter_m'].GetRange()[0])
lut.RescaleTransferFunction(lo, hi)
plut.RescaleTransferFunction(lo, hi)

view.CameraPosition = [2.2e-3, -1.1e-3, 1.6e-3]
view.CameraFocalPoint = [3.4e-4, 3.4e-4, 3.4e-4]
view.CameraViewUp = [0, 0, 1]
view.ResetCamera()
Render(view)
text = Text(Text='pore network of a 128^3 Berea crop (5.345 um voxels): %d pores, %d throats\nwritten by porous analyze --network, opened in ParaView %s' %
            (net.GetDataInformation().GetNumberOfPoints(), net.GetDataInformation().GetNumberOfCells() - net.GetDataInformation().GetNumberOfPoints(), servermanager.vtkSMProxyManager.GetParaViewSourceVersion().replace('paraview version ', '')))
td = Show(text, view)
td.Color = [0, 0, 0]
td.FontSize = 14
td.WindowLocation = 'Upper Left Corner'
SaveScreenshot(out, view, ImageResolution=[1200, 900])
print('wrote', out)
