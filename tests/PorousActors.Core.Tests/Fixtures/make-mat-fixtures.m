% Writes the .mat fixtures of MatFormatTests with GNU Octave 7.3.0 (octave-cli make-mat-fixtures.m).
% rock(i,j,k) = (i-1) + 4(j-1) + 20(k-1): each value names its MATLAB position, so a test sees any axis mix-up.
[i,j,k] = ndgrid(0:3, 0:4, 0:5);
rock = uint8(i + 4*j + 20*k);
save('-v6', 'rock-v6.mat', 'rock');
mask = (mod(i + j + k, 2) == 0);
porosity = double(rock) / 119;
note = [1 2; 3 4];
save('-v7', 'several-v7.mat', 'rock', 'mask', 'porosity', 'note');
